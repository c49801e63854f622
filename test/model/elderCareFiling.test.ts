/** Model-based tests of elderCareFiling (test/model/harness.ts). */
import { modelTests } from './harness.ts'
import { model } from './elderCareFiling.model.ts'

modelTests(model)
