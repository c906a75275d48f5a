"""Korean reference data the domain validates against: 시·도 regions, KSIC industry codes, 사업자등록번호."""
