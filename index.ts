#!/usr/bin/env node
/**
 * Entry point of Yaodian (要点助手): the `yaodian` command.
 */
import { main } from './src/cli/index.js';

const code = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
process.exitCode = code;
