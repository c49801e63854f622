/**
 * The one-time notice as a document (一次性告知书): one text model built from the plan, rendered to printable HTML (A4
 * print CSS) and to PDF (pdfkit, Noto Sans SC embedded), in Chinese as the window issues it or in English for the API
 * docs. Both renderings carry the same text, so what the PDF test finds is what the HTML shows.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import PDFDocument from 'pdfkit'
import type { CalendarExplanation, Plan, PlanItem, LimitView } from './plan.ts'
import { limitEn, limitZh } from './plan.ts'

export type Language = 'zh' | 'en'

type Block =
  | { kind: 'h2'; text: string }
  | { kind: 'h3'; text: string }
  | { kind: 'p'; text: string }
  | { kind: 'small'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; head: string[]; rows: string[][]; widths: number[] }

export interface NoticeDocument {
  title: string
  subtitle: string
  meta: [string, string][]
  blocks: Block[]
  footer: string[]
}

const L = {
  zh: {
    title: '一次性告知书', ref: '告知书编号', date: '告知日期', window: '受理窗口', policy: '政策版本', applicant: '申请事项',
    intro: (p: Plan) => `根据《中华人民共和国行政许可法》第三十条、第三十二条及本地“一个窗口”办理的规定，现将您申请事项涉及的审批事项及流程、受理条件、材料清单、办理时限一次性告知如下。各事项并联办理，互不为前置条件；同一份材料只需提交一次，由${p.window.nameZh}统一收件、共享使用。`,
    items: '一、办理事项', no: '序号', item: '事项名称', dept: '承办部门', path: '办理方式', expected: '预计办结',
    process: '办理流程', conditions: '受理条件', basis: '决定依据', limits: '办理时限',
    materials: '二、材料清单', material: '材料名称', neededBy: '所需事项', note: '备注', followUpOnly: '后续事项所需，本次无需提交', shared: '多个事项共用，提交一份',
    timeLimits: '三、办理时限及预计办结日期', limit: '时限', statutory: '法定时限', promised: '承诺时限', counted: '计算（自申请日起）', calendar: '工作日历说明',
    noneLimit: '—', notPublished: '未公布（按法定时限）', applicantLimit: '（申请人义务）',
    followUps: '四、后续事项（不属于本次申请）', eligibility: '申请时间',
    footerBasis: '法律依据', footerNote: '本告知书依据申请日现行政策及工作日历生成；节假日安排调整的，期限相应顺延。材料齐全、符合法定形式的予以受理；材料不齐全的，窗口将在五日内一次告知需要补正的全部内容。',
    filing: '备案', separate: '另行办理', combined: '两证合一', twoStep: '设置审批后执业登记', changeRegistration: '变更登记后备案', reuseQualifications: '直接登记备案',
    from: '起', due: '届满', weekends: (n: number) => `跳过周末${n}天`, holidays: '跳过节假日', worked: '调休上班日计入', provisional: '（所涉年度节假日尚未公布，日期可能调整）',
    overall: '预计全部办结日期', statutoryBy: '法定最迟办结日期',
  },
  en: {
    title: 'One-time notice (一次性告知书)', ref: 'Reference', date: 'Date of notice', window: 'Receiving window', policy: 'Policy version', applicant: 'Application',
    intro: (p: Plan) => `Under Articles 30 and 32 of the Administrative Licensing Law and the local one-window rules, this notice lists at once every item of your application: the procedures and their process, the acceptance conditions, the materials and the time limits. The items run in parallel and none is a precondition of another; a document is submitted once, at ${p.window.name}, and shared by every item that needs it.`,
    items: '1. Items', no: 'No.', item: 'Item', dept: 'Department', path: 'Path', expected: 'Expected by',
    process: 'Process', conditions: 'Acceptance conditions', basis: 'Basis of the decision', limits: 'Time limits',
    materials: '2. Materials', material: 'Document', neededBy: 'Needed by', note: 'Note', followUpOnly: 'for a later follow-up only; not submitted now', shared: 'shared by several items: submit once',
    timeLimits: '3. Time limits and expected dates', limit: 'Limit', statutory: 'Statutory', promised: 'Promised', counted: 'Counted (from the application day)', calendar: 'Working-day calendar',
    noneLimit: '—', notPublished: 'not published (statutory applies)', applicantLimit: ' (the applicant\'s obligation)',
    followUps: '4. Follow-ups (not part of this application)', eligibility: 'When to apply',
    footerBasis: 'Legal basis', footerNote: 'Generated from the policy and the working-day calendar in force on the day of the notice; a change of the holiday arrangement moves the dates. Complete materials in the legal form are accepted; for incomplete ones the window notifies everything missing at once within five days.',
    filing: 'filing', separate: 'handled separately', combined: 'two certificates in one', twoStep: 'setup approval, then registration', changeRegistration: 'change of registration, then filing', reuseQualifications: 'direct filing',
    from: 'from', due: 'due', weekends: (n: number) => `${n} weekend days skipped`, holidays: 'holidays skipped', worked: 'make-up working days counted', provisional: ' (the year\'s holidays are not yet published: the date may move)',
    overall: 'Expected completion of all items', statutoryBy: 'Latest lawful completion',
  },
} as const

/** Consecutive dates of the same holiday, written as one range: 国庆节 2026-10-01–2026-10-07. */
function holidayRanges(days: { date: string; name: string }[]): string[] {
  const out: { name: string; from: string; to: string }[] = []
  for (const d of days) {
    const last = out.at(-1)
    const next = last ? new Date(Date.parse(`${last.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10) : ''
    if (last && last.name === d.name && next === d.date) last.to = d.date
    else out.push({ name: d.name, from: d.date, to: d.date })
  }
  return out.map((r) => (r.from === r.to ? `${r.name} ${r.from}` : `${r.name} ${r.from}–${r.to}`))
}

function calendarNote(e: CalendarExplanation, lang: Language): string {
  const t = L[lang]
  const parts: string[] = []
  if (e.weekendDaysSkipped > 0) parts.push(t.weekends(e.weekendDaysSkipped))
  if (e.holidaysSkipped.length > 0) parts.push(`${t.holidays}: ${holidayRanges(e.holidaysSkipped).join(', ')}`)
  if (e.workedDays.length > 0) parts.push(`${t.worked}: ${e.workedDays.map((w) => `${w.date}（${w.name}）`).join(', ')}`)
  if (e.nominalDue) parts.push(`${e.nominalDue} → ${e.due}`)
  return parts.join(lang === 'zh' ? '；' : '; ')
}

const limitText = (l: LimitView['statutory'], lang: Language) => (l ? (lang === 'zh' ? limitZh(l) : limitEn(l)) : L[lang].noneLimit)

/** The notice as text blocks, in one language. */
export function noticeDocument(plan: Plan, lang: Language = 'zh'): NoticeDocument {
  const t = L[lang]
  const zh = lang === 'zh'
  const itemTitle = (i: { titleZh: string; title: string }) => (zh ? i.titleZh : i.title)
  const dept = (d: { nameZh: string; name: string }) => (zh ? d.nameZh : d.name)
  const titleOf = new Map<string, string>([...plan.items, ...plan.followUps].map((i) => [i.id, itemTitle(i)]))
  const blocks: Block[] = []
  blocks.push({ kind: 'p', text: t.intro(plan) })

  // 一、办理事项
  blocks.push({ kind: 'h2', text: t.items })
  blocks.push({
    kind: 'table', head: [t.no, t.item, t.dept, t.path, t.expected], widths: [0.07, 0.38, 0.22, 0.15, 0.18],
    rows: plan.items.map((i, n) => [String(n + 1), itemTitle(i), dept(i.department), i.path ? t[i.path] : i.procedure === 'clinicFiling' ? t.filing : t.separate, i.schedule.expectedBy ?? t.noneLimit]),
  })
  plan.items.forEach((i, n) => {
    blocks.push({ kind: 'h3', text: `${zh ? `（${'一二三四五六七八九十'[n] ?? n + 1}）` : `1.${n + 1} `}${itemTitle(i)} — ${dept(i.department)}` })
    if (i.steps.length > 0) blocks.push({ kind: 'p', text: `${t.process}: ${i.steps.map((s) => (zh ? s.labelZh : `${s.labelZh} (${s.state})`)).join(' → ')}` })
    blocks.push({ kind: 'p', text: `${t.conditions}:` })
    blocks.push({ kind: 'list', items: i.conditions.map((c) => (zh ? c.textZh : c.text)) })
    if (i.limits.length > 0) {
      blocks.push({ kind: 'p', text: `${t.limits}: ${i.limits.map((l) => `${zh ? l.titleZh : l.title} ${t.statutory} ${limitText(l.statutory, lang)}${l.promised ? `, ${t.promised} ${limitText(l.promised, lang)}` : ''}${l.bindsOn === 'applicant' ? t.applicantLimit : ''}`).join(zh ? '；' : '; ')}` })
    }
    for (const note of i.schedule.notes) blocks.push({ kind: 'small', text: zh ? note.textZh : note.text })
    blocks.push({ kind: 'small', text: `${t.basis}: ${i.explain.filter((e) => !e.caution).map((e) => `${e.rule} ${e.source}`).join(' | ')}` })
  })

  // 二、材料清单
  blocks.push({ kind: 'h2', text: t.materials })
  blocks.push({
    kind: 'table', head: [t.no, t.material, t.neededBy, t.note], widths: [0.07, 0.43, 0.3, 0.2],
    rows: plan.materials.map((m, n) => [
      String(n + 1), zh ? m.titleZh : `${m.title} (${m.titleZh})`, m.neededBy.map((id) => titleOf.get(id) ?? id).join(zh ? '、' : ', '),
      m.followUpOnly ? t.followUpOnly : m.neededBy.length > 1 ? t.shared : '',
    ]),
  })

  // 三、办理时限及预计办结日期
  blocks.push({ kind: 'h2', text: t.timeLimits })
  const rows: string[][] = []
  for (const i of plan.items) {
    for (const s of i.schedule.stages) {
      const l = i.limits.find((x) => x.key === s.key)
      rows.push([
        `${itemTitle(i)}: ${zh ? s.titleZh : s.title}`, limitText(l?.statutory ?? null, lang), l?.promised ? limitText(l.promised, lang) : t.notPublished,
        `${s.from} ${t.from} → ${s.due} ${t.due}${s.provisional ? t.provisional : ''}`, calendarNote(s.explanation, lang),
      ])
    }
    if (i.schedule.stages.length === 0) rows.push([itemTitle(i), t.noneLimit, t.noneLimit, t.noneLimit, i.schedule.notes.map((x) => (zh ? x.textZh : x.text)).join(' ')])
  }
  blocks.push({ kind: 'table', head: [t.limit, t.statutory, t.promised, t.counted, t.calendar], widths: [0.28, 0.12, 0.14, 0.22, 0.24], rows })
  const ec = plan.expectedCompletion
  blocks.push({ kind: 'p', text: `${t.overall}: ${ec.expectedBy ?? t.noneLimit}${ec.statutoryBy && ec.statutoryBy !== ec.expectedBy ? `; ${t.statutoryBy}: ${ec.statutoryBy}` : ''}` })
  blocks.push({ kind: 'small', text: zh ? ec.textZh : ec.text })

  // 四、后续事项
  if (plan.followUps.length > 0) {
    blocks.push({ kind: 'h2', text: t.followUps })
    for (const f of plan.followUps) {
      blocks.push({ kind: 'h3', text: `${itemTitle(f)} — ${dept(f.department)}` })
      blocks.push({ kind: 'p', text: `${t.eligibility}: ${zh ? f.eligibilityZh : f.eligibility}` })
      blocks.push({ kind: 'p', text: `${t.process}: ${f.steps.map((s) => s.labelZh).join(' → ')}` })
      blocks.push({ kind: 'list', items: f.conditions.map((c) => (zh ? c.textZh : c.text)) })
      if (f.limits.length > 0) blocks.push({ kind: 'p', text: `${t.limits}: ${f.limits.map((l) => `${zh ? l.titleZh : l.title} ${limitText(l.statutory, lang)}`).join(zh ? '；' : '; ')}` })
      blocks.push({ kind: 'small', text: f.eligibilitySource })
    }
  }

  return {
    title: t.title,
    subtitle: plan.jurisdiction.nameZh,
    meta: [
      [t.ref, plan.reference], [t.date, plan.issuedOn], [t.window, `${plan.jurisdiction.nameZh} ${dept(plan.window)}`], [t.policy, plan.policyVersion],
    ],
    blocks,
    footer: [`${t.footerBasis}: ${plan.basis.map((b) => (zh ? b.textZh : b.text)).join(zh ? '；' : '; ')}`, t.footerNote],
  }
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

export function renderNoticeHtml(plan: Plan, lang: Language = 'zh'): string {
  const d = noticeDocument(plan, lang)
  const body = d.blocks.map((b) => {
    switch (b.kind) {
      case 'h2': return `<h2>${esc(b.text)}</h2>`
      case 'h3': return `<h3>${esc(b.text)}</h3>`
      case 'p': return `<p>${esc(b.text)}</p>`
      case 'small': return `<p class="small">${esc(b.text)}</p>`
      case 'list': return `<ol>${b.items.map((i) => `<li>${esc(i)}</li>`).join('')}</ol>`
      case 'table': return `<table><colgroup>${b.widths.map((w) => `<col style="width:${Math.round(w * 100)}%">`).join('')}</colgroup><thead><tr>${b.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${b.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`
    }
  }).join('\n')
  return `<!DOCTYPE html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<title>${esc(d.title)} ${esc(plan.reference)}</title>
<style>
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
body { font-family: "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; font-size: 10.5pt; line-height: 1.55; color: #000; max-width: 178mm; margin: 0 auto; }
h1 { text-align: center; font-size: 20pt; letter-spacing: 0.3em; margin: 0 0 2mm; }
.subtitle { text-align: center; font-size: 12pt; margin: 0 0 4mm; }
.meta { width: 100%; border: none; margin-bottom: 4mm; }
.meta td { border: none; padding: 0 2mm 0 0; font-size: 9.5pt; }
h2 { font-size: 13pt; margin: 5mm 0 2mm; border-bottom: 1px solid #000; }
h3 { font-size: 11pt; margin: 3mm 0 1mm; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0 2mm; table-layout: fixed; }
th, td { border: 1px solid #000; padding: 1mm 1.5mm; vertical-align: top; font-size: 9pt; word-wrap: break-word; }
th { background: #eee; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
.small { font-size: 8pt; color: #333; margin: 0.5mm 0; }
footer { margin-top: 6mm; border-top: 1px solid #000; padding-top: 2mm; font-size: 8.5pt; }
@media screen { body { padding: 10mm; } }
@media print { h2, h3 { page-break-after: avoid; break-after: avoid; } }
</style>
</head>
<body>
<h1>${esc(d.title)}</h1>
<p class="subtitle">${esc(d.subtitle)}</p>
<table class="meta"><tbody>${d.meta.map(([k, v]) => `<tr><td>${esc(k)}：</td><td>${esc(v)}</td></tr>`).join('')}</tbody></table>
${body}
<footer>${d.footer.map((f) => `<p>${esc(f)}</p>`).join('')}</footer>
</body>
</html>
`
}

const require = createRequire(import.meta.url)
let fonts: { regular: Buffer; bold: Buffer } | undefined
/** Noto Sans SC (SIL OFL), read once per process; pdfkit embeds the subset each document uses. */
function fontData() {
  fonts ??= {
    regular: readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf')),
    bold: readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf')),
  }
  return fonts
}

/** The notice as an A4 PDF with the CJK font embedded (subset). */
export function renderNoticePdf(plan: Plan, lang: Language = 'zh'): Promise<Buffer> {
  const d = noticeDocument(plan, lang)
  const { regular, bold } = fontData()
  const margin = 48
  const doc = new PDFDocument({ size: 'A4', margin, bufferPages: true, info: { Title: `${d.title} ${plan.reference}`, Subject: d.subtitle, Creator: 'onewindow' } })
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  doc.registerFont('R', regular)
  doc.registerFont('B', bold)
  const width = doc.page.width - 2 * margin
  const bottom = () => doc.page.height - margin - 20
  const ensure = (h: number) => { if (doc.y + h > bottom()) doc.addPage() }

  doc.font('B').fontSize(20).text(d.title, { align: 'center' })
  doc.font('R').fontSize(12).text(d.subtitle, { align: 'center' })
  doc.moveDown(0.5)
  doc.fontSize(9.5)
  for (const [k, v] of d.meta) doc.text(`${k}：${v}`)
  doc.moveDown(0.5)

  const table = (b: Extract<Block, { kind: 'table' }>) => {
    const pad = 3
    const widths = b.widths.map((w) => w * width)
    const row = (cells: string[], head: boolean) => {
      doc.font(head ? 'B' : 'R').fontSize(8.5)
      const h = Math.max(...cells.map((c, i) => doc.heightOfString(c || ' ', { width: widths[i]! - 2 * pad }))) + 2 * pad
      ensure(h)
      const y = doc.y
      let x = margin
      cells.forEach((c, i) => {
        if (head) doc.rect(x, y, widths[i]!, h).fillAndStroke('#eeeeee', '#000000').fillColor('#000000')
        else doc.rect(x, y, widths[i]!, h).stroke()
        doc.text(c, x + pad, y + pad, { width: widths[i]! - 2 * pad })
        x += widths[i]!
      })
      doc.x = margin
      doc.y = y + h
    }
    row(b.head, true)
    for (const r of b.rows) row(r, false)
    doc.moveDown(0.5)
  }

  for (const b of d.blocks) {
    doc.x = margin
    switch (b.kind) {
      case 'h2': ensure(40); doc.moveDown(0.4); doc.font('B').fontSize(13).text(b.text, { width }); doc.moveDown(0.2); break
      case 'h3': ensure(30); doc.moveDown(0.2); doc.font('B').fontSize(11).text(b.text, { width }); break
      case 'p': doc.font('R').fontSize(10).text(b.text, { width }); break
      case 'small': doc.font('R').fontSize(7.5).fillColor('#333333').text(b.text, { width }).fillColor('#000000'); break
      case 'list': doc.font('R').fontSize(10); b.items.forEach((item, n) => doc.text(`${n + 1}. ${item}`, { width, indent: 10 })); break
      case 'table': table(b); break
    }
  }
  doc.moveDown(1)
  ensure(60)
  doc.moveTo(margin, doc.y).lineTo(margin + width, doc.y).stroke()
  doc.moveDown(0.3)
  doc.font('R').fontSize(8)
  for (const f of d.footer) doc.text(f, { width })

  // Page numbers and the reference on every page.
  const range = doc.bufferedPageRange()
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i)
    doc.page.margins.bottom = 0 // writing in the bottom margin must not open a new page
    doc.font('R').fontSize(7.5).text(`${plan.reference}  ${i + 1}/${range.count}`, margin, doc.page.height - margin + 10, { width, align: 'right', lineBreak: false })
  }
  doc.end()
  return done
}
