/** The contract: generated from the routes, valid OpenAPI 3.1, and what is committed. */
import t from 'tap'
import { readFileSync } from 'node:fs'
import SwaggerParser from '@apidevtools/swagger-parser'
import { buildTestApp } from '../helpers/app.ts'

t.test('the generated document is valid OpenAPI 3.1 and matches openapi/openapi.json', async (t) => {
  const h = await buildTestApp(t)
  await h.app.ready()
  const generated = h.app.swagger() as Record<string, any>
  const validated = await SwaggerParser.validate(structuredClone(generated) as never)
  t.equal((validated as { openapi: string }).openapi, '3.1.0')
  const committed = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8'))
  t.same(committed, generated, 'openapi/openapi.json is current (npm run openapi)')
  const events = generated.paths['/v1/cases/{id}/events'].post
  t.ok(events.parameters.some((p: { in: string; name: string }) => p.in === 'header' && p.name === 'if-match'), 'If-Match is documented')
  t.ok(events.responses['422'].content['application/problem+json'], 'errors are documented as problem+json')
  t.ok(generated.components.schemas.Problem, 'Problem is a named component')
  const docs = await h.app.inject({ method: 'GET', url: '/docs/json' })
  t.equal(docs.statusCode, 200)
  t.equal((await h.app.inject({ method: 'GET', url: '/docs' })).statusCode < 400, true, 'Swagger UI is served')
})
