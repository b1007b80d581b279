/**
 * The seed's demo: register a handler on DefaultServeMux and serve it on :9091.
 *   npm start   then   curl http://127.0.0.1:9091/
 */

import * as http from '../src';

function sayHelloWorld(w: http.ResponseWriter, r: http.Request): void {
  w.write('Hello World!\n');
  void r;
}

http.handleFunc('/', sayHelloWorld);
console.log('serving on :9091');
http.listenAndServe(':9091', null).catch((err) => {
  console.error(err);
  process.exit(1);
});
