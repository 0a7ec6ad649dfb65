import { createClient } from '@slice/contract';
import { menuContract } from '@slice/contracts-menu';
import { currentCorrelationId, currentTraceHeader } from '@slice/middleware';
import { menuCatalog } from '../adapters/menu-catalog';
import { config } from '../config';
import type { MenuCatalog } from '../domain/ports';

/** Prices and availability from the Menu service, through its published contract. */
export const menu: MenuCatalog = menuCatalog(
  createClient(menuContract, {
    baseUrl: config.platformUrl,
    timeoutMs: config.menuTimeoutMs,
    correlationId: currentCorrelationId,
    traceHeader: currentTraceHeader,
  }),
);
