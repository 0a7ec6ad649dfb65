/**
 * Reads a required environment variable, failing at cold start (module load) with a message that
 * names it, rather than at the first request with an obscure error.
 *
 * @example
 * ```ts
 * export const config = { tableName: requireEnv('TABLE_NAME') };
 * ```
 */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(`Missing environment variable ${name}: the function's stack must set it.`);
  }
  return value;
}

/**
 * Reads a required environment variable holding a whole number of milliseconds or seconds.
 *
 * @example
 * ```ts
 * const menuTimeoutMs = requireIntEnv('MENU_TIMEOUT_MS');
 * ```
 */
export function requireIntEnv(name: string): number {
  const value = Number(requireEnv(name));
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`Environment variable ${name} must be a whole number.`);
  return value;
}
