import { responseBodyBytes, sizedResponse } from './response-size';

const cloneBytes = async (response: Response): Promise<number> => (await response.clone().arrayBuffer()).byteLength;

describe('sizedResponse', () => {
  it.each([
    ['no body', null],
    ['an empty body', ''],
    ['ASCII JSON', JSON.stringify({ key: 'a', value: { n: 1 } })],
    ['multi-byte characters', JSON.stringify({ value: 'Größe ✓ 日本語 🎉' })],
    ['escaped lone surrogates', JSON.stringify({ value: '\ud800x\udfff' })],
  ])('knows the bytes of %s as reading the body would count them', async (_what, text) => {
    const response = sizedResponse(text, { status: text === null ? 204 : 200 });
    expect(responseBodyBytes(response)).toBe(await cloneBytes(response));
    expect(response.bodyUsed).toBe(false);
    expect(await response.text()).toBe(text ?? '');
  });

  it('reads a clone of a response it did not build, leaving the body unread', async () => {
    const response = new Response('héllo', { status: 200 });
    expect(await responseBodyBytes(response)).toBe(6);
    expect(await response.text()).toBe('héllo');
  });
});
