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

  // A body received whole (the native connection's declared length that has arrived) is gathered in the call:
  // readAll's promise is already settled, as readJSON's is, instead of an await per piece and one for the end.
  test('readAll of a body at hand settles at once; pieces at hand then pulled ones keep their order', async () => {
    const at = [Buffer.from('{"a"'), Buffer.from(':1}'), null];
    const b = new PullBody({ tryPull: () => at.shift(), pull: () => Promise.reject(new Error('pulled')) });
    let got: Buffer | null = null;
    void b.readAll().then((v) => (got = v));
    await null;
    expect(got!.toString()).toBe('{"a":1}');
    expect(await b.read()).toBeNull();
    const later: Array<Buffer | null | undefined> = [Buffer.from('ab'), undefined];
    const pulled = [Buffer.from('cd'), null];
    const c = new PullBody({ tryPull: () => later.shift(), pull: async () => pulled.shift() ?? null });
    expect((await c.readAll()).toString()).toBe('abcd');
    // A source that fails while answering what is at hand rejects readAll (never throws), and text and json too.
    const bad = (): PullBody => new PullBody({ tryPull: () => { throw new Error('bad chunk'); }, pull: async () => null });
    await expect(bad().readAll()).rejects.toThrow('bad chunk');
    await expect(bad().text()).rejects.toThrow('bad chunk');
    await expect(bad().json()).rejects.toThrow('bad chunk');
  });
});
