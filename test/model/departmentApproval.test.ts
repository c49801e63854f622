/** Model-based tests of departmentApproval (test/model/harness.ts). */
import { modelTests } from './harness.ts'
import { model } from './departmentApproval.model.ts'

modelTests(model)
