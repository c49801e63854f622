/**
 * pino logger with personal data redacted: names, phone numbers, ID numbers and tokens never reach the log
 * (个人信息保护法 第五十一条: measures against leakage). Paths cover request bodies and case records alike.
 */
import pino, { type Logger } from 'pino'

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.legalRepresentative',
  '*.idNumber',
  '*.phone',
  '*.name',
  'institution.legalRepresentative',
  'body.institution.legalRepresentative',
]

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'onewindow' } })
}
