// Express 4 is installed under the alias "express4" beside Express 5; its API shape for these tests is Express's.
declare module 'express4' {
  import e = require('express');
  export = e;
}
