#!/usr/bin/env node
/**
 * Entry point of Yaodian (要点助手): the `yaodian` command. The one place that reads the environment: ./.env when
 * there is one, with the process environment winning over it; commands get it as a plain object.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { main } from './src/cli/index.js';

const env = { ...(existsSync('.env') ? parseEnv(readFileSync('.env', 'utf8')) : {}), ...process.env };

const code = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }, {
  env,
  commands: {
    serve: {
      run: async () => (await import('./adapters/serve.js')).runServe,
      help: 'serve [--docs 目录] [--port 端口]  启动网页、接口和已配置的平台机器人（http://localhost:PORT/）',
    },
  },
});
process.exitCode = code;
