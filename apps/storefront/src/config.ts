/**
 * The storefront's runtime configuration: `/config.json`, written by the stack at deploy time from
 * the stage (the API, the Tracking WebSocket API, the user pool's sign-in domain and the storefront's
 * app client), so one build runs on every stage and on the local cloud.
 */
import * as z from 'zod';

const origin = (schemes: readonly string[]) =>
  z
    .string()
    .refine((value) => URL.canParse(value) && schemes.includes(new URL(value).protocol), {
      message: `A ${schemes.join(' or ')} URL.`,
    })
    .transform((value) => value.replace(/\/+$/, ''));

/** `/config.json`, as the stack writes it. */
export const SiteConfig = z.strictObject({
  /** The platform domain, `https://api.<domain>`: Menu and Orders behind the front door. */
  apiUrl: origin(['https:', 'http:']),
  /** Tracking's WebSocket API, `wss://ws.<domain>`. */
  webSocketUrl: origin(['wss:', 'ws:']),
  /** The user pool's hosted sign-in: its Cognito domain and the storefront's app client. */
  signIn: z.strictObject({
    url: origin(['https:', 'http:']),
    clientId: z.string().min(1),
    scopes: z.array(z.string().min(1)).min(1),
  }),
});

/** The storefront's runtime configuration. */
export type SiteConfig = z.infer<typeof SiteConfig>;

/** Reads and checks `/config.json`; a broken one is an error that names its fields. */
export async function loadConfig(fetchImpl: typeof fetch = fetch): Promise<SiteConfig> {
  const response = await fetchImpl('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/config.json answered ${response.status}.`);
  const parsed = SiteConfig.safeParse(await response.json());
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`/config.json is invalid: ${fields.join('; ')}`);
  }
  return parsed.data;
}
