export { startDemoReceiver, type DemoReceiver, type DemoReceiverOptions, type ReceivedRequest, type ResponsePlan, type SecretResolver } from './receiver';
export { createTrustingFetch, defaultCaCertificates, type TrustingFetch } from './trusting-fetch';
export { DEFAULT_TOLERANCE_SECONDS, secretKey, signWebhook, verifyWebhookSignature, type Verdict, type VerifyInput } from './verify';
export { CERT_FILE, KEY_FILE, loadOrCreateCertificate, type TlsMaterial } from './certificate';
