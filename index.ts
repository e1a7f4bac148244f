#!/usr/bin/env node
/**
 * Entry point of Yaodian (要点助手): the `yaodian` command.
 */
import { main } from './src/cli/index.js';

const code = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }, {
  serve: {
    run: async () => (await import('./adapters/serve.js')).runServe,
    help: 'serve [--docs 目录]             启动网页、接口和已配置的平台机器人（http://localhost:PORT/）',
  },
  ingest: {
    run: async () => (await import('./src/cli/ingest.js')).runIngest,
    help: 'ingest [--json] 目录             导入目录中的文件（.txt/.md/.docx/.pdf/.html），逐个报告',
  },
});
process.exitCode = code;
