import { storageKeys } from './storage-keys';

describe('storageKeys', () => {
  it('reads back the delivery id a delivery key was built from', () => {
    for (const id of ['msg_9395acb586200dfbbc7b23e64d9a8455', 'msg_a:b', 'x']) {
      const key = storageKeys.delivery(id);
      expect(key).not.toBe(id);
      expect(storageKeys.deliveryIdOf(key)).toBe(id);
    }
  });
});
