import { loadConfig } from '../../../functions/common/config';

describe('FORMER_WEBHOOK_BASE_URLS', () => {
  const load = (value: string | undefined) =>
    loadConfig({ FORMER_WEBHOOK_BASE_URLS: value }, ['FORMER_WEBHOOK_BASE_URLS']).FORMER_WEBHOOK_BASE_URLS;

  test('unset or empty: none', () => {
    expect(load(undefined)).toEqual([]);
    expect(load('')).toEqual([]);
  });

  test('a comma-separated list, trimmed, without trailing slashes', () => {
    expect(load(' https://a.example/ ,https://b.example/prod//')).toEqual([
      'https://a.example',
      'https://b.example/prod',
    ]);
  });

  test('a part that is not an absolute URL fails, naming the variable', () => {
    expect(() => load('https://a.example,not-a-url')).toThrow(/FORMER_WEBHOOK_BASE_URLS/);
  });
});
