/**
 * Personal data never reaches the log (个人信息保护法 第五十一条): requests carrying a name, an ID number and a
 * phone number in the body, the query, the path and the headers leave only route patterns and statuses behind.
 */
import t from 'tap'
import { createLogger } from '../../src/logging.ts'
import { buildTestApp } from '../helpers/app.ts'
import { clinicFilingApplication, principals as p } from '../helpers/factories.ts'

const NAME = '欧阳娜娜'
const ID = '11010519491231002X'
const PHONE = '13912345678'

t.test('names, ID numbers, phones and tokens never appear in the log', async (t) => {
  const lines: string[] = []
  const logger = createLogger('trace', { write: (line: string) => void lines.push(line) })
  const h = await buildTestApp(t, { app: { logger } })
  const body = clinicFilingApplication()
  const person = { name: NAME, idNumber: ID, phone: PHONE }
  const token = await h.token(p.applicant)

  const created = await h.call(p.applicant, 'POST', '/v1/cases', { ...body, institution: { ...body.institution, legalRepresentative: person } })
  t.equal(created.statusCode, 201)
  const bad = await h.call(p.applicant, 'POST', '/v1/cases', { ...body, institution: { ...body.institution, legalRepresentative: { ...person, idNumber: `${ID.slice(0, 17)}1` } } })
  t.equal(bad.statusCode, 400)
  const malformed = await h.app.inject({ method: 'POST', url: '/v1/cases', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: `{"name":"${NAME}","idNumber":"${ID}",` })
  t.equal(malformed.statusCode, 400)
  t.equal((await h.call(p.officer, 'GET', `/v1/cases?state=${ID}&q=${encodeURIComponent(NAME)}&phone=${PHONE}`)).statusCode, 400)
  t.equal((await h.call(p.officer, 'GET', `/v1/people/${ID}/${encodeURIComponent(NAME)}`)).statusCode, 404)
  t.equal((await h.call(p.officer, 'GET', `/v1/cases/${ID}`)).statusCode, 400)
  t.equal((await h.call(null, 'GET', '/v1/cases', undefined, { authorization: `Bearer ${ID}.${PHONE}` })).statusCode, 401)

  const log = lines.join('')
  t.ok(lines.length >= 7, `one line per request at least (${lines.length})`)
  t.match(log, /"route":"\/v1\/cases"/, 'the route pattern is logged')
  for (const secret of [NAME, ID, PHONE, token, encodeURIComponent(NAME), '张三']) t.notOk(log.includes(secret), `no ${secret.slice(0, 20)} in the log`)
})
