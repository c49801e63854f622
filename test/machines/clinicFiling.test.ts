/** The clinic filing machine alone: pure transitions, no database. Every cited rule has a test here. */
import t from 'tap'
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate'
import { clinicFiling, clinicFilingMachine, prepareClinicFiling, type ClinicFilingInput } from '../../machines/clinicFiling.ts'
import { loadPolicyDocuments } from '../../src/policy/store.ts'
import { policyValue, resolvePolicy } from '../../src/policy/resolve.ts'
import { stateKey } from '../../src/engine/snapshot.ts'
import { describeProcedure } from '../../src/procedures/describe.ts'
import { clinicFilingApplication, materials, CLINIC_CHECKLIST } from '../helpers/factories.ts'

const documents = loadPolicyDocuments()
const view = (jurisdiction: string) => {
  const policy = resolvePolicy(documents, jurisdiction, '2026-03-02')
  return { version: policy.version, get: <T>(key: string) => policyValue<T>(policy, key) }
}
const ev = (type: string, payload: Record<string, unknown> = {}) => ({ type, payload, at: '2026-03-02T01:00:00.000Z', actor: { id: 'x', role: 'clerk' as const }, issued: { filingNumber: '421202-2026-00009' } })

function start(items: readonly string[] = CLINIC_CHECKLIST): AnyMachineSnapshot {
  const prepared = prepareClinicFiling({ ...clinicFilingApplication({ materials: materials(items) }) }, view('421202'))
  if (!prepared.ok) throw new Error(prepared.detail)
  return initialTransition(clinicFilingMachine, prepared.input as ClinicFilingInput)[0] as AnyMachineSnapshot
}

function run(s: AnyMachineSnapshot, ...events: ReturnType<typeof ev>[]): AnyMachineSnapshot {
  return events.reduce((acc, e) => transition(clinicFilingMachine, acc, e as never)[0] as AnyMachineSnapshot, s)
}

t.test('which units are filed is the jurisdiction’s policy (R1, R1b, R1c)', async (t) => {
  const app = (j: string, unitKind: string) => prepareClinicFiling(clinicFilingApplication({ jurisdiction: j, unitKind }), view(j))
  t.equal(app('421202', 'healthRoom').ok, true, 'Xianning files a 卫生所（室）')
  t.equal(app('421202', 'outpatientDepartment').ok, false, 'Xianning does not file a 门诊部')
  t.equal(app('371302', 'outpatientDepartment').ok, true, 'Linyi files a 门诊部 (003 L127)')
  t.equal(app('371302', 'healthRoom').ok, false, 'Linyi omits 卫生所')
  const hlj = app('230102', 'clinic')
  t.equal(hlj.ok, false, 'Heilongjiang licenses instead of filing')
  t.match(hlj, { source: /002_062b5e3d4777b463\.txt L37/ })
  t.equal(app('440106', 'clinic').ok, true, 'elsewhere the national default applies')
  const hospital = prepareClinicFiling({ ...clinicFilingApplication(), institution: { ...clinicFilingApplication().institution, kind: 'medicalInstitution' } }, view('421202'))
  t.equal(hospital.ok, false, 'the filing is for elderly-care institutions')
  const unknown = prepareClinicFiling(clinicFilingApplication({ materials: [{ item: 'selfie', documentRef: 'd' }] }), view('421202'))
  t.match(unknown, { ok: false, detail: /selfie/ }, 'materials outside the checklist are refused (行政许可法 第三十一条)')
})

t.test('ACCEPT needs every checklist item (hasAllRequiredMaterials)', async (t) => {
  const incomplete = run(start(CLINIC_CHECKLIST.slice(1)), ev('BEGIN_INTAKE_CHECK'))
  t.equal(stateKey(run(incomplete, ev('ACCEPT')).value), 'intakeCheck')
  t.equal(stateKey(run(start(), ev('BEGIN_INTAKE_CHECK'), ev('ACCEPT')).value), 'accepted')
})

t.test('the one-time notice lists every missing item, only checklist items, once', async (t) => {
  const s = run(start(CLINIC_CHECKLIST.slice(2)), ev('BEGIN_INTAKE_CHECK'))
  const partial = ev('REQUEST_SUPPLEMENT', { items: [{ item: 'filingForm', reason: '缺' }] })
  t.equal(stateKey(run(s, partial).value), 'intakeCheck', 'leaving out registrationCertificate is refused')
  const foreign = ev('REQUEST_SUPPLEMENT', { items: [{ item: 'filingForm', reason: '缺' }, { item: 'registrationCertificate', reason: '缺' }, { item: 'horoscope', reason: '缺' }] })
  t.equal(stateKey(run(s, foreign).value), 'intakeCheck', 'an item outside the checklist is refused')
  const full = ev('REQUEST_SUPPLEMENT', { items: [{ item: 'filingForm', reason: '缺' }, { item: 'registrationCertificate', reason: '缺' }, { item: 'rules', reason: '不全' }] })
  const asked = run(s, full)
  t.equal(stateKey(asked.value), 'supplementRequested', 'every missing item plus a defective one')
  const back = run(asked, ev('RESUBMIT', { materials: [{ item: 'filingForm', documentRef: 'a' }, { item: 'registrationCertificate', documentRef: 'b' }] }))
  t.equal(stateKey(back.value), 'intakeCheck')
  t.equal(stateKey(run(back, full).value), 'intakeCheck', 'no second notice')
})

t.test('filing records the issued number; supervision loops until revoked', async (t) => {
  const filed = run(start(), ev('BEGIN_INTAKE_CHECK'), ev('ACCEPT'), ev('BEGIN_REVIEW'), ev('SCHEDULE_ONSITE_CHECK', { plannedOn: '2026-03-05', workingDaysNeeded: 2 }),
    ev('RECORD_ONSITE_RESULT', { passed: true, findings: '符合' }), ev('FILE', { scope: '内科' }))
  t.equal(stateKey(filed.value), 'filed.supervised')
  t.equal(filed.context.filing.filingNumber, '421202-2026-00009')
  t.equal(filed.context.onsiteChecks.length, 1)
  const revoked = run(filed, ev('SCHEDULE_INSPECTION', { plannedOn: '2026-06-01' }), ev('RECORD_INSPECTION_FAILED', { findings: ['x'], rectifyBy: '2026-07-01' }), ev('REVOKE_FILING', { reasons: ['逾期未整改'] }))
  t.equal(stateKey(revoked.value), 'revoked')
  t.equal(revoked.status, 'done')
})

t.test('a drawn inspection is recorded by its drawn inspectors only; a targeted one by any officer', async (t) => {
  const filed = run(start(), ev('BEGIN_INTAKE_CHECK'), ev('ACCEPT'), ev('BEGIN_REVIEW'), ev('SCHEDULE_ONSITE_CHECK', { plannedOn: '2026-03-05', workingDaysNeeded: 2 }),
    ev('RECORD_ONSITE_RESULT', { passed: true, findings: '符合' }), ev('FILE', { scope: '内科' }))
  const by = (id: string, type: string, payload: Record<string, unknown>) => ({ ...ev(type, payload), actor: { id, role: 'clerk' as const } })
  const drawn = run(filed, ev('SCHEDULE_INSPECTION', { plannedOn: '2026-06-01', drawId: 'd1', inspectors: ['insp-a', 'insp-b'] }))
  t.same(drawn.context.inspectionTeam, ['insp-a', 'insp-b'])
  t.equal(stateKey(run(drawn, by('someone-else', 'RECORD_INSPECTION_PASSED', { findings: '合格' })).value), 'filed.inspectionScheduled', 'refused: not drawn')
  const passed = run(drawn, by('insp-b', 'RECORD_INSPECTION_PASSED', { findings: '合格' }))
  t.equal(stateKey(passed.value), 'filed.supervised')
  t.equal(passed.context.inspectionTeam, null, 'the team closes with the result')
  const targeted = run(passed, ev('SCHEDULE_INSPECTION', { plannedOn: '2026-09-01' }))
  t.equal(targeted.context.inspectionTeam, null)
  t.equal(stateKey(run(targeted, by('any-officer', 'RECORD_INSPECTION_FAILED', { findings: ['x'], rectifyBy: '2026-10-01' })).value), 'filed.rectificationOrdered')
})

t.test('every state is reachable and every non-final state has a way out', async (t) => {
  const d = describeProcedure(clinicFiling)
  const targets = new Set(d.states.flatMap((s) => s.transitions.map((x) => x.target)))
  for (const s of d.states) {
    if (s.state === d.initialState || s.state === 'filed') continue
    t.ok(targets.has(s.state) || s.state === 'filed.supervised', `${s.state} is reachable`)
    if (!s.final && !s.state.startsWith('filed')) t.ok(s.transitions.length > 0, `${s.state} has a way out`)
  }
  for (const e of Object.keys(clinicFiling.events)) {
    if (e === clinicFiling.creationEvent) continue
    t.ok(d.states.some((s) => s.transitions.some((x) => x.event === e)), `${e} is used by some state`)
  }
})
