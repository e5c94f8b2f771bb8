/**
 * XML as the streaming role reads and writes DASH manifests: fast-xml-parser in its
 * order-preserving mode, both ways, so a manifest comes back as it was written — every element,
 * attribute, comment and the whitespace between them — apart from what the caller changed.
 * Entities are decoded on reading and escaped on writing. Helpers address elements by local
 * name, so a packager's namespace prefix (`mpd:Period`) changes nothing.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/** The parser's and builder's shared options. */
const XML_OPTIONS = {
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  commentPropName: '#comment',
  processEntities: true,
} as const;

/** One node of fast-xml-parser's order-preserving tree: `{ [tag]: children, ':@'?: attributes }` or `{ '#text': … }`. */
export type XmlNode = Record<string, unknown>;

/** Parse XML into an order-preserving node list (throws on malformed XML). */
export function parseXml(xml: string): XmlNode[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  return new XMLParser(XML_OPTIONS).parse(xml) as XmlNode[];
}

/** Write an order-preserving node list back as XML (`pretty` indents a tree built in code). */
export function buildXml(nodes: XmlNode[], pretty = false): string {
  return new XMLBuilder({ ...XML_OPTIONS, format: pretty, indentBy: '  ', suppressEmptyNode: true }).build(nodes) as string;
}

/** The tag of an element node (null for text, comments and the XML declaration). */
export function tagOf(node: XmlNode): string | null {
  const key = Object.keys(node).find((k) => k !== ':@');
  return key === undefined || key.startsWith('#') || key.startsWith('?') ? null : key;
}

/** A tag without its namespace prefix (`mpd:SegmentTemplate` → `SegmentTemplate`). */
export const localName = (tag: string): string => tag.slice(tag.indexOf(':') + 1);

/** The children of an element node. */
export function childrenOf(node: XmlNode): XmlNode[] {
  const tag = tagOf(node);
  return tag === null ? [] : ((node[tag] as XmlNode[] | undefined) ?? []);
}

/** The attributes of an element node (mutable: the node's own object). */
export function attrsOf(node: XmlNode): Record<string, string> {
  return (node[':@'] ??= {}) as Record<string, string>;
}
