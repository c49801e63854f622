/** Model-based tests of twoCertificates (test/model/harness.ts). */
import { modelTests } from './harness.ts'
import { model } from './twoCertificates.model.ts'

modelTests(model)
