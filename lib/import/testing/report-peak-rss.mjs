// Preloaded (node --import) into a command being measured: prints the process's peak resident
// memory on standard error as it exits, however it exits.
import { writeSync } from "node:fs";

process.on("exit", () => {
  writeSync(2, `\npeak-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
