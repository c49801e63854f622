/** Model-based tests of clinicFiling (test/model/harness.ts). */
import { modelTests } from './harness.ts'
import { model } from './clinicFiling.model.ts'

modelTests(model)
