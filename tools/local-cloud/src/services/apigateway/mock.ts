import type { IntegrationResponseSpec } from '../../assembly/types';
import { mappingValue, type RenderContext, type RenderedResponse, renderTemplate } from './responses';

/**
 * Answers a MOCK integration as API Gateway does: the request template (for the request's content
 * type, else `application/json`) yields the integration status (`{"statusCode": 200}`); the
 * integration response whose selection pattern matches that status (else the default one without
 * a pattern) gives the status, the `method.response.header.*` headers and the response template.
 * `undefined` when no integration response matches (API Gateway answers 500).
 *
 * @example
 * ```ts
 * mockResponse(integration.requestTemplates, integration.responses, 'application/json', render);
 * // { statusCode: 204, headers: { 'Access-Control-Allow-Origin': '*', … }, body: '' }
 * ```
 */
export function mockResponse(
  requestTemplates: Readonly<Record<string, string>>,
  responses: readonly IntegrationResponseSpec[],
  contentType: string | undefined,
  render: RenderContext,
): RenderedResponse | undefined {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  const template =
    (mediaType === undefined ? undefined : requestTemplates[mediaType]) ??
    requestTemplates['application/json'] ??
    Object.values(requestTemplates)[0];
  const status = /["']?statusCode["']?\s*:\s*["']?(\d{3})/.exec(template ?? '')?.[1] ?? '200';

  const selected =
    responses.find(
      (response) =>
        response.selectionPattern !== undefined &&
        response.selectionPattern !== '' &&
        new RegExp(`^(?:${response.selectionPattern})$`, 's').test(status),
    ) ??
    responses.find((response) => response.selectionPattern === undefined || response.selectionPattern === '');
  if (!selected) return undefined;

  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  for (const [target, expression] of Object.entries(selected.responseParameters)) {
    const name = /^method\.response\.header\.(.+)$/.exec(target)?.[1];
    const value = name === undefined ? undefined : mappingValue(expression, render);
    if (name === undefined || value === undefined) continue;
    if (name.toLowerCase() === 'content-type') delete headers['Content-Type'];
    headers[name] = value;
  }
  const responseTemplate =
    selected.responseTemplates['application/json'] ?? Object.values(selected.responseTemplates)[0];
  return {
    statusCode: Number(selected.statusCode),
    headers,
    body: responseTemplate === undefined ? '' : renderTemplate(responseTemplate, undefined, render),
  };
}
