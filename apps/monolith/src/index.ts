// The monolith is deployed, not imported: its Lambda handler is `handlers/api.ts`. The router is
// exported for tools that need to know how a proxy request finds its route.
export {
  compileRoutes,
  createRouter,
  matchRoute,
  type CompiledRoute,
  type RouteMatch,
  type RouterOptions,
} from './router';
