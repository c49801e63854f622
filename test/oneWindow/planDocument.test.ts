/**
 * The notice as a PDF (一次性告知书): rendered through the route, its text extracted with pdfjs and checked for the
 * title, the jurisdiction's name, the reference, the items, the materials and the dates. Today is Monday 2026-09-28.
 */
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { principals } from '../helpers/factories.ts'
import type { Plan } from '../../src/oneWindow/plan.ts'

const AT = '2026-09-28T09:00:00+08:00'

/** Every page's text, joined without whitespace (table cells wrap, so words may be split over lines). */
async function pdfText(data: Buffer): Promise<{ pages: number; text: string; firstPage: string }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs')
  const task = pdfjs.getDocument({ data: new Uint8Array(data) })
  const pdf = await task.promise
  const pages: string[] = []
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent()
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(''))
  }
  await task.destroy()
  const squash = (s: string) => s.replace(/\s+/g, '')
  return { pages: pages.length, text: squash(pages.join('')), firstPage: squash(pages[0] ?? '') }
}

t.test('Xianning: the Chinese PDF carries the title, jurisdiction, reference, items, materials and dates', async (t) => {
  const h = await buildTestApp(t, { at: AT })
  const body = { jurisdiction: '421202', profile: { founder: 'elderlyCareInstitution', adds: 'internalMedicalUnit', unitKind: 'clinic' } }
  const plan = (await h.call(principals.applicant, 'POST', '/v1/one-window/plans', body)).json() as Plan
  const res = await h.call(principals.applicant, 'POST', '/v1/one-window/plans?format=pdf', body)
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/pdf')
  t.match(res.headers['content-disposition'], plan.reference)
  const data = res.rawPayload
  t.equal(data.subarray(0, 5).toString('latin1'), '%PDF-')
  const { pages, text, firstPage } = await pdfText(data)
  t.ok(pages >= 1)
  t.ok(firstPage.startsWith('一次性告知书湖北省咸宁市咸安区'), 'title, then the jurisdiction')
  for (const s of [
    plan.reference, '告知日期：2026-09-28', '当地政务服务机构',
    // items, departments, process, conditions
    '养老机构内部设置诊所备案', '卫生健康部门', '已接件→受理审查→已受理→审核→已备案', '诊所、卫生所（室）、医务室、护理站',
    // materials, each once
    '养老机构内部设置医疗机构备案表', '民政部门养老机构备案回执', '医疗废物处置协议', '法定代表人、主要负责人身份证明',
    // limits and dates across 国庆节
    '5个工作日', '10个工作日', '2026-09-28起→2026-10-10届满', '2026-10-10起→2026-10-23届满', '国庆节2026-10-01–2026-10-07', '2026-10-10（国庆节）',
    '预计全部办结日期:2026-10-23',
    // follow-up and legal basis
    '医疗机构医疗保障定点申请', '医疗保障经办机构（医保局）', '正式运营3个月后可申请', '第三十二条',
  ]) t.ok(text.includes(s), `contains ${s}`)
  t.equal(text.split('养老机构内部设置医疗机构备案表').length - 1, 1, 'a material is listed once')
})

t.test('Wenshan: both items, the fire evidence and the date; English for the API docs', async (t) => {
  const h = await buildTestApp(t, { at: AT })
  const body = { jurisdiction: '532601', profile: { founder: 'medicalInstitution', adds: 'elderlyCare', elderCareVariant: 'reuseQualifications' } }
  const zh = await pdfText((await h.call(principals.clerk, 'POST', '/v1/one-window/plans', body, { accept: 'application/pdf' })).rawPayload)
  t.ok(zh.firstPage.startsWith('一次性告知书云南省文山壮族苗族自治州文山市'))
  for (const s of [
    '医疗卫生机构利用现有资源提供养老服务登记备案', '县级以上民政部门', '住房和城乡建设部门', '建设工程消防验收或消防验收备案',
    '消防验收、备案或可沿用的资质证明', '分区管理、物理隔离的平面图', '2026-09-28起→2026-10-10届满', '预计全部办结日期:2026-11-06', '2026-10-10起→2026-11-06届满', '州政务服务局（政务服务中心）',
  ]) t.ok(zh.text.includes(s), `contains ${s}`)

  const en = await pdfText((await h.call(principals.clerk, 'POST', '/v1/one-window/plans?format=pdf', { ...body, language: 'en' })).rawPayload)
  t.ok(en.firstPage.startsWith('One-timenotice(一次性告知书)云南省文山壮族苗族自治州文山市'))
  for (const s of ['Directelderly-carefilingbyamedicalinstitution', 'Fireacceptanceoracceptancefiling', 'Floorplanshowingzoneseparation', 'Expectedcompletionofallitems:2026-11-06']) {
    t.ok(en.text.includes(s), `contains ${s}`)
  }
})
