/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__', '<rootDir>/examples'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: {
    '^nethttp$': '<rootDir>/src/index.ts',
    '^nethttp/adapters/(.*)$': '<rootDir>/adapters/$1/index.ts',
    '^nethttp/httptest$': '<rootDir>/adapters/httptest/index.ts',
    '^nethttp/websocket$': '<rootDir>/src/websocket.ts',
    '^nethttp/httputil$': '<rootDir>/src/httputil/index.ts',
  },
  testTimeout: 30000,
};
