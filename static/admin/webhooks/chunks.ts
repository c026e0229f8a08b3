import { chunk, lazyFrom } from '../../common/lazy-chunk';
import { detailChunk } from '../page-chunks';

export { detailChunk };

// A webhook's detail (its delivery log; its load is in ../page-chunks.ts, which the page's first
// script uses), the dialogs (the webhook form with its selects) and the resend dialog (a
// date-time picker) are chunks of their own: the list loads none of them first.
export const dialogsChunk = chunk(() => import('./WebhookDialogs'));
const resendChunk = chunk(() => import('./ResendFailedModal'));

export const WebhookDetail = lazyFrom(detailChunk, (m) => m.WebhookDetail);
export const WebhookDialogs = lazyFrom(dialogsChunk, (m) => m.WebhookDialogs);
export const ResendFailedModal = lazyFrom(resendChunk, (m) => m.ResendFailedModal);
