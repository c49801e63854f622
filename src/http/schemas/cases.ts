/** Schemas of the case resources: one definition for validation, OpenAPI and TypeScript types. */
import { Type, type Static } from 'typebox'
import { SubmittedMaterials } from '../../../machines/schemas.ts'
import { ResidentIdNumber, UnifiedSocialCreditCode } from '../../validation/formats.ts'

export const CaseId = Type.String({ format: 'uuid', description: 'case id' })
export const CaseIdParams = Type.Object({ id: CaseId }, { additionalProperties: false })

export const Jurisdiction = Type.String({ pattern: '^[0-9]{6}$', description: 'administrative division code (GB/T 2260), e.g. 421202' })

/** 统一社会信用代码 and 公民身份号码, check characters included (src/validation/formats.ts). */
export { UnifiedSocialCreditCode } from '../../validation/formats.ts'

export const InstitutionProfile = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 200, description: 'registered name of the institution' }),
    unifiedSocialCreditCode: UnifiedSocialCreditCode,
    kind: Type.Union([Type.Literal('elderlyCareInstitution'), Type.Literal('medicalInstitution')], {
      description: '养老机构 or 医疗卫生机构',
    }),
    unitKind: Type.Optional(
      Type.Union(
        ['clinic', 'healthRoom', 'medicalRoom', 'nursingStation', 'outpatientDepartment'].map((k) => Type.Literal(k)),
        { description: 'internal medical unit: 诊所 clinic, 卫生所（室） healthRoom, 医务室 medicalRoom, 护理站 nursingStation, 门诊部 outpatientDepartment' },
      ),
    ),
    unitName: Type.Optional(Type.String({ minLength: 2, maxLength: 200 })),
    adds: Type.Optional(
      Type.Union(['internalMedicalUnit', 'medicalInstitution', 'elderlyCare'].map((k) => Type.Literal(k)), {
        description: 'what the institution adds: an internal medical unit, a medical institution, or elderly care',
      }),
    ),
    medicalKind: Type.Optional(
      Type.Union(
        ['hospital', 'maternalChildHealth', 'emergencyCentre', 'emergencyStation', 'clinicalLaboratoryCentre', 'nursingHome', 'rehabilitationHospital', 'outpatientDepartment', 'clinic'].map((k) => Type.Literal(k)),
        { description: 'kind of medical institution (医院, 妇幼保健院, 急救中心, 急救站, 临床检验中心, 护理院, 康复医院, 门诊部, 诊所)' },
      ),
    ),
    medicalLevel: Type.Optional(Type.Integer({ minimum: 1, maximum: 3, description: '一级, 二级 or 三级' })),
    ownership: Type.Optional(
      Type.Union(['domestic', 'sinoForeignJointVenture', 'hkMacaoTaiwanWhollyOwned'].map((k) => Type.Literal(k)), {
        description: '内资, 中外合资合作, 港澳台独资',
      }),
    ),
    elderCareVariant: Type.Optional(
      Type.Union(['changeRegistration', 'reuseQualifications'].map((k) => Type.Literal(k)), {
        description: 'a medical institution founding an elderly-care institution (变更登记 then 备案), or providing elderly care with its existing qualifications (直接备案)',
      }),
    ),
    reusedQualifications: Type.Optional(
      Type.Array(Type.Union(['construction', 'fireSafety', 'foodSafety', 'epidemicPrevention'].map((k) => Type.Literal(k))), { uniqueItems: true, maxItems: 4 }),
    ),
    operationStartedOn: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'formal operation start (正式运营), YYYY-MM-DD' })),
    hasInsuranceDepartment: Type.Optional(Type.Boolean({ description: 'an internal medical-insurance department (required from 100 beds)' })),
    beds: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
    address: Type.Optional(Type.String({ maxLength: 500 })),
    legalRepresentative: Type.Optional(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 100 }),
          idNumber: Type.Optional(ResidentIdNumber),
          phone: Type.Optional(Type.String({ pattern: '^[0-9+\\- ]{5,20}$' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
)

export const CreateCaseBody = Type.Object(
  {
    procedure: Type.String({ minLength: 1, maxLength: 64, description: 'procedure id, see GET /v1/procedures' }),
    jurisdiction: Jurisdiction,
    institution: InstitutionProfile,
    materials: SubmittedMaterials,
  },
  { additionalProperties: false },
)
export type CreateCaseBody = Static<typeof CreateCaseBody>

export const EventBody = Type.Object(
  {
    type: Type.String({ pattern: '^[A-Z][A-Z_]{1,63}$', description: 'event type, e.g. ACCEPT' }),
    payload: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'event payload; its schema is in GET /v1/procedures/{id}' })),
  },
  { additionalProperties: false },
)

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'the ETag of the case version the decision was made on (required)' })),
})

const Obj = Type.Object({}, { additionalProperties: true })

export const ClockView = Type.Object({
  name: Type.String(),
  title: Type.String(),
  titleZh: Type.String(),
  kind: Type.Union([Type.Literal('statutory'), Type.Literal('promised')], { description: '法定时限 or 承诺时限' }),
  status: Type.Union([Type.Literal('running'), Type.Literal('paused'), Type.Literal('stopped')]),
  unit: Type.Union([Type.Literal('workingDays'), Type.Literal('days'), Type.Literal('months')]),
  amount: Type.Integer(),
  source: Type.String({ description: 'where the limit comes from' }),
  startedOn: Type.String({ description: 'day of the act that started the clock (counting begins the next day)' }),
  dueOn: Type.Union([Type.String(), Type.Null()], { description: 'last day (null while paused)' }),
  dueAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'end of the last day, Asia/Shanghai' }),
  remainingWorkingDays: Type.Union([Type.Integer(), Type.Null()], { description: 'negative when overdue' }),
  provisional: Type.Boolean({ description: 'the span reaches a year whose official arrangement is not yet published' }),
  colour: Type.Union([Type.Literal('green'), Type.Literal('yellow'), Type.Literal('red'), Type.Null()]),
  pauses: Type.Array(Obj),
  extensions: Type.Array(Obj),
  restarts: Type.Array(Obj),
  explanation: Type.Union([Obj, Type.Null()], { description: 'how the due date was reached: skipped and worked days, pauses, extensions' }),
})

const AllowedEvent = Type.Object({ type: Type.String(), roles: Type.Array(Type.String()), description: Type.String() })

export const CaseView = Type.Object({
  id: CaseId,
  procedure: Type.String(),
  machineVersion: Type.String(),
  jurisdiction: Type.String(),
  policyVersion: Type.String(),
  state: Type.String({ description: 'dotted state path, e.g. filed.supervised' }),
  stateLabel: Type.String({ description: 'the state as the window names it' }),
  status: Type.Union([Type.Literal('active'), Type.Literal('done')]),
  version: Type.Integer({ description: 'also sent as the ETag' }),
  applicant: Type.String(),
  department: Type.String({ description: 'the department that handles the case (health, civilAffairs, healthcareSecurity, …)' }),
  parentId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'the one-window application that routed this case' }),
  filingNumber: Type.Union([Type.String(), Type.Null()]),
  assignee: Type.Union([Type.String(), Type.Null()], { description: 'the official who holds the case (worklist claim), null when unclaimed' }),
  assigneeRole: Type.Union([Type.String(), Type.Null()], { description: 'the role in which the assignee holds it (clerk, officer, head)' }),
  claimedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  institution: Type.Object({}, { additionalProperties: true }),
  context: Type.Object({}, { additionalProperties: true, description: 'the procedure record (materials, notices, decisions)' }),
  allowedEvents: Type.Array(AllowedEvent, { description: 'events the caller may send now' }),
  clocks: Type.Optional(Type.Array(ClockView, { description: 'time limits of the case (not included in lists)' })),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
})
export type CaseView = Static<typeof CaseView>

export const CaseEventView = Type.Object({
  seq: Type.Integer(),
  type: Type.String(),
  payload: Type.Object({}, { additionalProperties: true }),
  actorId: Type.String(),
  actorRole: Type.String(),
  at: Type.String({ format: 'date-time' }),
  stateBefore: Type.Union([Type.String(), Type.Null()]),
  stateAfter: Type.String(),
  statusCode: Type.Union([Type.Integer(), Type.Null()], { description: '办件状态 code of the national exchange' }),
})

export const HistoryView = Type.Object({ caseId: CaseId, events: Type.Array(CaseEventView) })

export const CaseListQuery = Type.Object(
  {
    state: Type.Optional(Type.String({ maxLength: 100 })),
    procedure: Type.Optional(Type.String({ maxLength: 64 })),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
)

export const CaseList = Type.Object({
  items: Type.Array(CaseView),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as ?cursor= for the next page; null at the end' }),
})
