import { bar, runScript, UsageError } from '../../scripts/cli';

test('bar fills in proportion and is full when there is nothing to do', () => {
  expect(bar(0, 4, 4)).toBe('[----]');
  expect(bar(2, 4, 4)).toBe('[##--]');
  expect(bar(9, 4, 4)).toBe('[####]');
  expect(bar(0, 0, 3)).toBe('[###]');
});

test('runScript: the code of main, 2 with the usage for a usage error, 1 with the message otherwise', async () => {
  const err: string[] = [];
  const io = { stdout: () => undefined, stderr: { write: (s: string) => err.push(s) } };
  expect(await runScript('x', 'usage: x', io, [], async () => 0)).toBe(0);
  expect(
    await runScript('x', 'usage: x', io, [], async () => {
      throw new UsageError('bad flag');
    }),
  ).toBe(2);
  expect(
    await runScript('x', 'usage: x', io, [], async () => {
      throw new Error('queue gone');
    }),
  ).toBe(1);
  expect(err).toEqual(['x: bad flag\n\nusage: x\n', 'x: queue gone\n']);
});

test('runScript: --help or -h anywhere prints the usage and runs nothing', async () => {
  const out: string[] = [];
  const io = { stdout: (line: string) => out.push(line), stderr: { write: () => true } };
  const main = jest.fn(async () => 1);
  expect(await runScript('x', 'usage: x', io, ['--bogus', '--help'], main)).toBe(0);
  expect(await runScript('x', 'usage: x', io, ['-h'], main)).toBe(0);
  expect(main).not.toHaveBeenCalled();
  expect(out).toEqual(['usage: x', 'usage: x']);
});
