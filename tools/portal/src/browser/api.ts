/**
 * Starts Swagger UI (from the offline bundle beside it) on the page's `#api-reference` element,
 * with the OpenAPI document its `data-spec` names. No validator badge: it would call out.
 */
interface SwaggerUiGlobal {
  (options: {
    url: string;
    domNode: Element;
    validatorUrl: null;
    deepLinking: boolean;
    tryItOutEnabled: boolean;
  }): unknown;
}

const target = document.getElementById('api-reference');
const swaggerUi = (window as unknown as { SwaggerUIBundle?: SwaggerUiGlobal }).SwaggerUIBundle;
if (target && swaggerUi) {
  swaggerUi({
    url: target.dataset.spec ?? '',
    domNode: target,
    validatorUrl: null,
    deepLinking: true,
    tryItOutEnabled: false,
  });
}
