import {
  cancelDelivery,
  checkUrl,
  createWebhook,
  deleteWebhook,
  getDelivery,
  getWebhook,
  listDeliveries,
  listProjects,
  listWebhooks,
  redeliver,
  resendFailed,
  rotateSecret,
  sendTestDelivery,
  updateWebhook,
} from '../app/webhooks';
import { adminOnly, handle } from './handle';

/** Projectrak Administration -> Outgoing webhooks: Jira admins only, every one. */
export const webhookResolvers = {
  listWebhooks: handle('listWebhooks', (deps) => listWebhooks(deps), adminOnly),
  getWebhook: handle('getWebhook', (deps, input) => getWebhook(deps, input.id), adminOnly),
  createWebhook: handle('createWebhook', (deps, input) => createWebhook(deps, input), adminOnly),
  updateWebhook: handle('updateWebhook', (deps, input) => updateWebhook(deps, input), adminOnly),
  deleteWebhook: handle('deleteWebhook', (deps, input) => deleteWebhook(deps, input.id), adminOnly),
  rotateWebhookSecret: handle('rotateWebhookSecret', (deps, input) => rotateSecret(deps, input.id), adminOnly),
  checkWebhookUrl: handle('checkWebhookUrl', async (deps, input) => checkUrl(deps, input.url), adminOnly),
  sendTestDelivery: handle('sendTestDelivery', (deps, input) => sendTestDelivery(deps, input), adminOnly),
  listDeliveries: handle('listDeliveries', (deps, input) => listDeliveries(deps, input), adminOnly),
  getDelivery: handle('getDelivery', (deps, input) => getDelivery(deps, input.deliveryId), adminOnly),
  redeliver: handle('redeliver', (deps, input) => redeliver(deps, input.deliveryId), adminOnly),
  cancelDelivery: handle('cancelDelivery', (deps, input) => cancelDelivery(deps, input.deliveryId), adminOnly),
  resendFailed: handle('resendFailed', (deps, input) => resendFailed(deps, input), adminOnly),
  listProjects: handle('listProjects', (deps, input) => listProjects(deps, input.query), adminOnly),
};
