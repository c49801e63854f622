/**
 * Administrative divisions (行政区划) by GB/T 2260 six-digit code: province XX0000 ⊃ city XXXX00 ⊃ county XXXXXX.
 * Shipped: every jurisdiction a policy document names, its parents, and the counties of those cities (so a county
 * office's scope and a city supervisor's subtree can be shown and tested). Codes and names as published by the
 * Ministry of Civil Affairs (民政部 县级以上行政区划代码). A deployment adds its own divisions here.
 */
export interface DivisionRecord {
  code: string
  name: string
  /** The parent's code; absent for a province-level division and for the national scope. */
  parent?: string
}

export const DIVISIONS: readonly DivisionRecord[] = [
  { code: '000000', name: '全国' },

  // 湖北省 · 咸宁市 (policies/421200.json)
  { code: '420000', name: '湖北省' },
  { code: '421200', name: '咸宁市', parent: '420000' },
  { code: '421202', name: '咸安区', parent: '421200' },
  { code: '421221', name: '嘉鱼县', parent: '421200' },
  { code: '421222', name: '通城县', parent: '421200' },
  { code: '421223', name: '崇阳县', parent: '421200' },
  { code: '421224', name: '通山县', parent: '421200' },
  { code: '421281', name: '赤壁市', parent: '421200' },

  // 山东省 · 临沂市 (policies/371300*.json)
  { code: '370000', name: '山东省' },
  { code: '371300', name: '临沂市', parent: '370000' },
  { code: '371302', name: '兰山区', parent: '371300' },
  { code: '371311', name: '罗庄区', parent: '371300' },
  { code: '371312', name: '河东区', parent: '371300' },
  { code: '371321', name: '沂南县', parent: '371300' },
  { code: '371322', name: '郯城县', parent: '371300' },
  { code: '371323', name: '沂水县', parent: '371300' },
  { code: '371324', name: '兰陵县', parent: '371300' },
  { code: '371325', name: '费县', parent: '371300' },
  { code: '371326', name: '平邑县', parent: '371300' },
  { code: '371327', name: '莒南县', parent: '371300' },
  { code: '371328', name: '蒙阴县', parent: '371300' },
  { code: '371329', name: '临沭县', parent: '371300' },

  // 黑龙江省 (policies/230000.json)
  { code: '230000', name: '黑龙江省' },
  { code: '230100', name: '哈尔滨市', parent: '230000' },
  { code: '230102', name: '道里区', parent: '230100' },
  { code: '230103', name: '南岗区', parent: '230100' },

  // 重庆市 (policies/500000.json): a municipality; its districts sit under 500100 (市辖区).
  { code: '500000', name: '重庆市' },
  { code: '500100', name: '重庆市市辖区', parent: '500000' },
  { code: '500101', name: '万州区', parent: '500100' },
  { code: '500103', name: '渝中区', parent: '500100' },
  { code: '500106', name: '沙坪坝区', parent: '500100' },

  // 云南省 · 文山壮族苗族自治州 (policies/532600.json)
  { code: '530000', name: '云南省' },
  { code: '532600', name: '文山壮族苗族自治州', parent: '530000' },
  { code: '532601', name: '文山市', parent: '532600' },
  { code: '532622', name: '砚山县', parent: '532600' },
  { code: '532623', name: '西畴县', parent: '532600' },
  { code: '532624', name: '麻栗坡县', parent: '532600' },
  { code: '532625', name: '马关县', parent: '532600' },
  { code: '532626', name: '丘北县', parent: '532600' },
  { code: '532627', name: '广南县', parent: '532600' },
  { code: '532628', name: '富宁县', parent: '532600' },

  // 辽宁省 · 阜新市 (policies/210900.json)
  { code: '210000', name: '辽宁省' },
  { code: '210900', name: '阜新市', parent: '210000' },
  { code: '210902', name: '海州区', parent: '210900' },
  { code: '210903', name: '新邱区', parent: '210900' },
  { code: '210904', name: '太平区', parent: '210900' },
  { code: '210905', name: '清河门区', parent: '210900' },
  { code: '210911', name: '细河区', parent: '210900' },
  { code: '210921', name: '阜新蒙古族自治县', parent: '210900' },
  { code: '210922', name: '彰武县', parent: '210900' },

  // 江西省 · 赣州市 · 瑞金市 (policies/360781.json: a county-level city)
  { code: '360000', name: '江西省' },
  { code: '360700', name: '赣州市', parent: '360000' },
  { code: '360702', name: '章贡区', parent: '360700' },
  { code: '360781', name: '瑞金市', parent: '360700' },
]
