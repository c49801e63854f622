/** Payload schemas shared by several procedures (pure TypeBox data). */
import { Type, type Static } from 'typebox'

/** Reasons given for a refusal or return: at least one, each a sentence the applicant can act on. */
export const Reasons = Type.Array(Type.String({ minLength: 2, maxLength: 2000 }), { minItems: 1, maxItems: 50 })

/** A document submitted for one checklist item, by reference (the document store keeps the bytes). */
export const SubmittedMaterial = Type.Object(
  {
    item: Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9]{1,63}$', description: 'checklist item code' }),
    documentRef: Type.String({ minLength: 1, maxLength: 500, description: 'reference to the stored document' }),
    title: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
)
export type SubmittedMaterial = Static<typeof SubmittedMaterial>
export const SubmittedMaterials = Type.Array(SubmittedMaterial, { maxItems: 100 })

/** One line of a one-time notice (一次性告知): which checklist item, and what is missing or wrong with it. */
export const NoticeItem = Type.Object(
  {
    item: Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9]{1,63}$' }),
    reason: Type.String({ minLength: 2, maxLength: 1000 }),
  },
  { additionalProperties: false },
)
export type NoticeItem = Static<typeof NoticeItem>

export const EmptyPayload = Type.Object({}, { additionalProperties: false })
