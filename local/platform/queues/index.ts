export {
  createQueueService,
  retryRequestOf,
  type AsyncEventForConsumer,
  type ChaosOptions,
  type DeadLetter,
  type QueueChaosOptions,
  type QueuedDelivery,
  type QueueService,
  type QueueServiceOptions,
} from './queue-service';
export { FORGE_QUEUE_LIMITS, RETRY_REASON, failureBackoffSeconds, type QueueLimits } from './limits';
export { createPrng, type Prng } from './prng';
