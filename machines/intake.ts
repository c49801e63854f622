/**
 * The window's intake checks shared by every procedure (行政许可法 第三十一、三十二条): materials complete, one
 * notice listing every missing item at once (一次性告知), sent once, answered only with what it asked for.
 * Each procedure names these checks as its own rules, with the sources that apply to it. Pure.
 */
import { Type } from 'typebox'
import type { EventSpec, ProcedureEvent } from './types.ts'
import { EmptyPayload, NoticeItem, SubmittedMaterials } from './schemas.ts'

export interface IntakeContext {
  checklist: { items: readonly { code: string }[] }
  materials: Readonly<Record<string, unknown>>
  supplementNotice: { items: readonly { item: string }[] } | null
}

type Check = (args: { context: IntakeContext; event: ProcedureEvent }) => boolean

export function missingItems(context: Pick<IntakeContext, 'checklist' | 'materials'>): string[] {
  return context.checklist.items.map((i) => i.code).filter((code) => !context.materials[code])
}

export const intakeChecks = {
  /** 材料齐全: every checklist item has a document. */
  hasAllRequiredMaterials: (({ context }) => missingItems(context).length === 0) as Check,
  /** The notice names only checklist items and includes every item still missing. */
  noticeCoversEveryMissingItem: (({ context, event }) => {
    const items = (event.payload as { items: { item: string }[] }).items.map((i) => i.item)
    const known = new Set(context.checklist.items.map((i) => i.code))
    return items.every((i) => known.has(i)) && missingItems(context).every((m) => items.includes(m))
  }) as Check,
  /** The one-time notice has not been sent yet. */
  noNoticeSentYet: (({ context }) => context.supplementNotice === null) as Check,
  /** Resubmitted documents answer only items of the notice. */
  resubmissionAnswersNotice: (({ context, event }) => {
    const asked = new Set(context.supplementNotice?.items.map((i) => i.item) ?? [])
    const sent = (event.payload as { materials: { item: string }[] }).materials
    return sent.length > 0 && sent.every((m) => asked.has(m.item))
  }) as Check,
}

/**
 * The four intake checks as named rules with their sources, for a procedure that applies 行政许可法 第三十一、三十二条
 * directly. `checklist` names the policy key of the procedure's checklist, cited by 材料齐全.
 */
export function intakeRules(sources: { checklist: string }) {
  return {
    /** 材料齐全: every checklist item has a document. */
    hasAllRequiredMaterials: {
      description: 'every item of the jurisdiction checklist has a submitted document',
      source: `行政许可法 第三十二条第一款第（五）项 (申请材料齐全); checklist: ${sources.checklist}`,
      check: intakeChecks.hasAllRequiredMaterials,
    },
    /** 一次性告知: the notice lists every missing item at once, and only checklist items. */
    noticeCoversEveryMissingItem: {
      description: 'the notice names only checklist items and includes every item still missing',
      source: '行政许可法 第三十二条第一款第（四）项 (一次告知申请人需要补正的全部内容)',
      check: intakeChecks.noticeCoversEveryMissingItem,
    },
    /** The one-time notice is sent once: after resubmission the window accepts or refuses. */
    noNoticeSentYet: {
      description: 'no one-time supplement notice has been sent for this application yet',
      source: '行政许可法 第三十二条第一款第（四）项 (一次告知)',
      check: intakeChecks.noNoticeSentYet,
    },
    /** Resubmitted documents may only answer items of the notice. */
    resubmissionAnswersNotice: {
      description: 'the resubmitted documents are for items named in the notice',
      source: '行政许可法 第三十一条 (不得要求提交与申请事项无关的材料)',
      check: intakeChecks.resubmissionAnswersNotice,
    },
  }
}

/**
 * At submission, every document must answer an item of the checklist pinned from policy (行政许可法 第三十一条: no
 * materials unrelated to the application). Returns the refusal, or null when all are on the list.
 */
export function materialsOffChecklist(
  materials: readonly { item: string }[],
  checklist: readonly { code: string }[],
  source: string,
): { ok: false; detail: string; source: string } | null {
  const known = new Set(checklist.map((i) => i.code))
  const unknown = materials.filter((m) => !known.has(m.item)).map((m) => m.item)
  if (unknown.length === 0) return null
  return { ok: false, detail: `materials ${unknown.join(', ')} are not on the checklist; items: ${[...known].join(', ')}`, source }
}

const ONE_TIME_NOTICE = '行政许可法 第三十二条第一款第（四）项'

/**
 * The window's three intake events, alike in every procedure: the clerk starts the check, sends one notice of
 * everything missing (补正开始, status 6), the applicant answers it (补正结束, status 7). Each procedure gives the
 * sources that apply to it (e.g. a filing by analogy, or its own regulation).
 */
export function intakeEvents(sources: { check: string; notice?: string; resubmit?: string; checkDescription?: string }) {
  return {
    BEGIN_INTAKE_CHECK: {
      roles: ['clerk'],
      payload: EmptyPayload,
      description: sources.checkDescription ?? 'the window clerk starts checking the materials',
      source: sources.check,
    },
    REQUEST_SUPPLEMENT: {
      roles: ['clerk'],
      payload: Type.Object({ items: Type.Array(NoticeItem, { minItems: 1, maxItems: 100 }) }, { additionalProperties: false }),
      description: 'one notice listing every missing or defective item at once (一次性告知)',
      source: sources.notice ?? ONE_TIME_NOTICE,
      statusCode: 6,
    },
    RESUBMIT: {
      roles: ['applicant'],
      payload: Type.Object({ materials: Type.Array(SubmittedMaterials.items, { minItems: 1, maxItems: 100 }) }, { additionalProperties: false }),
      description: 'the applicant supplies the items named in the notice',
      source: sources.resubmit ?? ONE_TIME_NOTICE,
      statusCode: 7,
    },
  } satisfies Record<string, EventSpec>
}
