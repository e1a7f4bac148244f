#!/usr/bin/env node
/**
 * Entry point of Yaodian (要点助手): the `yaodian` command.
 */
import { existsSync } from 'node:fs';
import { main } from './src/cli/index.js';

// Settings from ./.env when there is one (the environment wins over the file).
if (existsSync('.env')) process.loadEnvFile('.env');

const code = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }, {
  serve: {
    run: async () => (await import('./adapters/serve.js')).runServe,
    help: 'serve [--docs 目录]             启动网页、接口和已配置的平台机器人（http://localhost:PORT/）',
  },
});
process.exitCode = code;
