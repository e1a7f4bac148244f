/**
 * The core as serve builds it (src/app.ts) over the bundled samples, in a temporary DATA_DIR, with the services
 * adapters get (files, cards, chat routes): for adapter tests that need stored state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { servicesOf, type AdapterServices } from '../../adapters/shared/services.js';
import { createApp, type App } from '../../src/app.js';
import { coreConfigSchema, loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { samplesDir } from './samples.js';

export interface PlatformCore {
  app: App;
  services: AdapterServices;
  dataDir: string;
  close(): Promise<void>;
}

export async function platformCore(options: { admins?: string; now?: () => Date; dataDir?: string } = {}): Promise<PlatformCore> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'yaodian-platform-'));
  const config = loadConfig(coreConfigSchema, { DATA_DIR: dataDir, ADMIN_IDS: options.admins ?? '', DIGEST_ENABLED: 'false', DIGEST_PACE_MS: '0' });
  const app = await createApp({ config, logger: silentLogger(), mode: 'serve', docsDir: samplesDir, ...(options.now ? { now: options.now } : {}) });
  return {
    app,
    services: servicesOf(app, options.now),
    dataDir,
    async close() {
      await app.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
