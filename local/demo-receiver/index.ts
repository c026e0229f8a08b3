export { startDemoReceiver, type DemoReceiver, type ReceivedRequest, type ResponsePlan } from './receiver';
export { createTrustingFetch } from './trusting-fetch';
