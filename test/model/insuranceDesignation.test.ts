/** Model-based tests of insuranceDesignation (test/model/harness.ts). */
import { modelTests } from './harness.ts'
import { model } from './insuranceDesignation.model.ts'

modelTests(model)
