/** A bad check character is a 400 problem that names the field and says why; the OpenAPI shows the formats. */
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { clinicFilingApplication, principals as p } from '../helpers/factories.ts'

t.test('bad check characters are refused with the field and the reason', async (t) => {
  const h = await buildTestApp(t)
  const body = clinicFilingApplication()
  const res = await h.call(p.applicant, 'POST', '/v1/cases', {
    ...body,
    institution: {
      ...body.institution,
      unifiedSocialCreditCode: '52421202MJH123456X',
      legalRepresentative: { ...body.institution.legalRepresentative, idNumber: '421202197001011230' },
    },
  })
  t.equal(res.statusCode, 400)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  const problem = res.json()
  t.equal(problem.code, 'invalid-request')
  t.match(problem.errors, [
    { name: '/body/institution/unifiedSocialCreditCode', code: 'format', reason: /check character .*GB 32100-2015/ },
    { name: '/body/institution/legalRepresentative/idNumber', code: 'format', reason: /check code .*GB 11643-1999/ },
  ])
  t.notMatch(problem.detail, /421202197001011230/, 'the detail does not echo the ID number')

  const ok = await h.call(p.applicant, 'POST', '/v1/cases', body)
  t.equal(ok.statusCode, 201, 'valid codes pass')
})

t.test('the OpenAPI documents the formats', async (t) => {
  const h = await buildTestApp(t)
  await h.app.ready()
  const text = JSON.stringify(h.app.swagger())
  t.match(text, /"format":"unified-social-credit-code"/)
  t.match(text, /"format":"resident-id-number"/)
})
