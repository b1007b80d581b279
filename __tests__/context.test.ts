import { background, withCancel, withDeadline, withTimeout, withValue, Canceled, DeadlineExceeded } from '../src/context';

describe('Context', () => {
  test('background is never done and has no values', () => {
    const bg = background();
    expect(bg.err()).toBeNull();
    expect(bg.signal.aborted).toBe(false);
    expect(bg.deadline()).toBeUndefined();
    expect(bg.value('k')).toBeUndefined();
  });

  test('withCancel: cancel sets Canceled, aborts the signal and resolves done(); children follow', async () => {
    const [parent, cancel] = withCancel(background());
    const [child] = withCancel(parent);
    const v = withValue(child, 'k', 42);
    expect(v.value('k')).toBe(42);
    expect(v.value('other')).toBeUndefined();
    const done = v.done();
    cancel();
    await done;
    expect(parent.err()).toBe(Canceled);
    expect(child.err()).toBe(Canceled);
    expect(v.err()).toBe(Canceled);
    expect(child.signal.reason).toBe(Canceled);
    cancel(); // idempotent
    expect(parent.err()).toBe(Canceled);
  });

  test('a cancelled child does not cancel its parent', () => {
    const [parent] = withCancel(background());
    const [, cancelChild] = withCancel(parent);
    cancelChild();
    expect(parent.err()).toBeNull();
  });

  test('a child of a done parent starts done', () => {
    const [parent, cancel] = withCancel(background());
    cancel(new Error('why'));
    const [child] = withCancel(parent);
    expect(child.err()?.message).toBe('why');
  });

  test('withTimeout ends with DeadlineExceeded; deadlines only shrink', async () => {
    const [ctx] = withTimeout(background(), 20);
    expect(ctx.deadline()).toBeGreaterThan(Date.now() - 1);
    await ctx.done();
    expect(ctx.err()).toBe(DeadlineExceeded);
    expect(DeadlineExceeded.message).toBe('context deadline exceeded');

    const far = Date.now() + 60_000;
    const [outer, cancelOuter] = withDeadline(background(), far);
    const [inner, cancelInner] = withDeadline(outer, far + 60_000);
    expect(inner.deadline()).toBe(far);
    cancelInner();
    cancelOuter();
  });
});
