export { startDemoReceiver, type DemoReceiver, type ReceivedRequest, type ResponsePlan } from './receiver';
export { certificatesIn, createTrustingFetch } from './trusting-fetch';
