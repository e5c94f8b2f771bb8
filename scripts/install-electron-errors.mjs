// Preloaded (`node --import`) into the electron package's install-electron by
// scripts/build-electron.ts when `npm start` runs on a terminal: the download's progress bar
// needs the real stderr, but a failed download prints a whole stack trace there
// (install.js: `console.error(err.stack)`). This keeps the terminal for the bar and writes what
// install.js says on console.error to RA_INSTALL_ERROR_FILE, so the launcher can give the one
// line of reason instead. (Plain JavaScript: it runs in the child before install.js.)
import { appendFileSync } from 'node:fs';

const file = process.env.RA_INSTALL_ERROR_FILE;
if (file) {
  console.error = (...args) => appendFileSync(file, `${args.map(String).join(' ')}\n`);
}
