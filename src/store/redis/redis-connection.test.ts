import { describe, expect, it } from 'vitest';
import { RedisConnection } from './redis-connection.ts';

describe('RedisConnection.reason', () => {
  it('says the connection is gone, however ioredis words a call refused while disconnected', () => {
    for (const message of [
      "Stream isn't writeable and enableOfflineQueue options is false",
      'Connection is closed.',
      'connect ECONNREFUSED 127.0.0.1:6390',
    ]) {
      expect(RedisConnection.reason(new Error(message))).toBe(
        `no connection to Redis (${message})`,
      );
    }
  });

  it('passes any other failure on as it is', () => {
    expect(RedisConnection.reason(new Error('Command timed out'))).toBe('Command timed out');
    expect(RedisConnection.reason('NOSCRIPT')).toBe('NOSCRIPT');
  });
});
