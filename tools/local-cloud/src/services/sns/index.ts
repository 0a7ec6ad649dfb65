/**
 * Slice's local SNS: topics and subscriptions from the templates, `Publish`/`PublishBatch`,
 * filter policies, and deliveries to SQS and Lambda through injected targets, with email, SMS
 * and HTTP/S captured.
 */
export { SnsError, SnsTemplateError, type SnsErrorCode } from './errors';
export {
  compileFilterPolicy,
  InvalidFilterPolicyError,
  type FilterableMessage,
  type FilterPolicyScope,
} from './filter-policy';
export {
  acceptMessage,
  envelope,
  lambdaEvent,
  type MessageAttributeValue,
  type PublishedMessage,
  type PublishInput,
  type SnsLambdaEvent,
} from './messages';
export { OPERATIONS, planOperation, type OperationPlan } from './operations';
export {
  deliveryPermission,
  resourcePolicyAllows,
  type ResourcePolicyStatement,
  type ServicePermission,
} from './permissions';
export {
  readSubscription,
  readTopic,
  type ResourceSite,
  type SnsProtocol,
  type SubscriptionConfig,
  type TopicConfig,
} from './resources';
export {
  DeliveryFailure,
  Sns,
  type CapturedNotification,
  type SnsOptions,
  type SnsTargets,
  type SqsDelivery,
  type UndeliveredMessage,
} from './sns';
export { createSnsService, type SnsService, type SnsServiceOptions } from './service';
