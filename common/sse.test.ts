import { describe, expect, it } from 'vitest';
import { SseParser } from './sse.ts';

describe('SseParser', () => {
  it('parses events split across chunks at any byte', () => {
    const text = 'retry: 2000\n\nid: 1\nevent: history\ndata: {"a":1}\n\n: keep-alive\n\nid: 2\ndata: x\ndata: y\n\n';
    for (let cut = 1; cut < text.length; cut++) {
      const p = new SseParser();
      const got = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))];
      expect(got).toEqual([
        { event: 'history', data: '{"a":1}', id: '1' },
        { event: 'message', data: 'x\ny', id: '2' },
      ]);
      expect(p.retryMs).toBe(2000);
    }
  });

  it('accepts CRLF and CR line ends and fields without a space', () => {
    const p = new SseParser();
    expect(p.push('event:a\r\ndata:1\r\n\r\nevent: b\rdata: 2\r\r')).toEqual([
      { event: 'a', data: '1', id: '' },
      { event: 'b', data: '2', id: '' },
    ]);
  });

  it('ignores unknown fields and blocks without data', () => {
    const p = new SseParser();
    expect(p.push('foo: bar\nevent: lonely\n\ndata: z\n\n')).toEqual([{ event: 'message', data: 'z', id: '' }]);
  });

  it('keeps the last id for later messages without one, as EventSource does', () => {
    const p = new SseParser();
    expect(p.push('id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n')).toEqual([
      { event: 'message', data: 'a', id: '7' },
      { event: 'message', data: 'b', id: '7' },
      { event: 'message', data: 'c', id: '' },
    ]);
  });

  it('ignores a retry that is not a number and keeps the last good one', () => {
    const p = new SseParser();
    p.push('retry: 1500\n\nretry: soon\n\n');
    expect(p.retryMs).toBe(1500);
  });
});
