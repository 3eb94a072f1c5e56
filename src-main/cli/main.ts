#!/usr/bin/env node
/** `sota-miner` under plain Node (`npm start`, `npm run mine`): the dispatch is in cli.ts. */
import { runCli } from './cli';

void runCli(process.argv).then((code) => {
  process.exitCode = code;
});
