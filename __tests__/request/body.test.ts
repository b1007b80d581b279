import { bytesBody, NoBody, PullBody } from '../../src/request/body';
import { ErrBodyReadAfterClose } from '../../src/errors';

describe('Body', () => {
  test('readAll, read(max) and async iteration', async () => {
    expect((await bytesBody('hello world').readAll()).toString()).toBe('hello world');
    const b = bytesBody('abcdef');
    expect((await b.read(4))!.toString()).toBe('abcd');
    expect((await b.read(4))!.toString()).toBe('ef');
    expect(await b.read(4)).toBeNull();
    const parts: string[] = [];
    for await (const chunk of bytesBody(Buffer.alloc(70000, 'x'))) parts.push(chunk.toString());
    expect(parts.join('').length).toBe(70000);
    expect(parts.length).toBe(2);
  });

  test('NoBody is empty', async () => {
    expect(await NoBody.read()).toBeNull();
    expect((await NoBody.readAll()).length).toBe(0);
  });

  test('reads after close reject with ErrBodyReadAfterClose; close abandons the source once', async () => {
    let abandoned = 0;
    const b = new PullBody({ pull: async () => Buffer.from('x'), abandon: () => { abandoned++; } });
    b.close();
    b.close();
    expect(abandoned).toBe(1);
    await expect(b.read()).rejects.toMatchObject({ code: 'ErrBodyReadAfterClose' });
  });

  test('a source error rejects the read', async () => {
    const b = new PullBody({ pull: async () => { throw new Error('bad chunk'); } });
    await expect(b.readAll()).rejects.toThrow('bad chunk');
  });
});
