import { Server, ServeMux, background, withTimeout } from 'nethttp';

export async function start(): Promise<{ srv: Server; port: number }> {
  const mux = new ServeMux();
  mux.handleFunc('GET /', (w) => w.write('hello'));
  const srv = new Server({ addr: '127.0.0.1:0', handler: mux });
  // Like app.listen(): no await needed, and a normal shutdown never ends the process with an unhandled rejection.
  srv.listenAndServe();
  // The port chosen for ':0' (or any address), once the server listens.
  const { port } = await srv.boundAddr();
  return { srv, port };
}

// process.on('SIGTERM', () => void stop(srv)): finish the requests in flight, for at most 10 s, then close the rest
// (a Node process keeps running while connections are open; a Go program would exit).
export async function stop(srv: Server): Promise<void> {
  const [ctx, cancel] = withTimeout(background(), 10_000);
  try {
    await srv.shutdown(ctx);
  } catch {
    await srv.close();
  } finally {
    cancel();
  }
}
