/**
 * pino logger with personal data redacted: names, phone numbers, ID numbers and tokens never reach the log
 * (个人信息保护法 第五十一条: measures against leakage). Paths cover request bodies and case records alike.
 */
import pino, { type DestinationStream, type Logger } from 'pino'

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.headers.authorization',
  // Bodies and query strings whole: they carry what applicants typed (names, ID numbers, phones).
  'body',
  '*.body',
  'query',
  '*.query',
  '*.legalRepresentative',
  '*.idNumber',
  '*.phone',
  '*.name',
  'institution.legalRepresentative',
]

/** `destination` lets a test read what would be written (test/http/logging.test.ts); default stdout. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'onewindow' } }
  return destination ? pino(options, destination) : pino(options)
}
