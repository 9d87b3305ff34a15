"""Qingling (清零): wage-arrears handling and the return-to-work service."""
